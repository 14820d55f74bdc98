"""The parts of the framework that do no IO: :mod:`framework.sansio.app`."""

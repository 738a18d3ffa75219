"""pytest configuration for the whole repository (nbval collects the notebooks from here).

A notebook kernel that dies before answering ("Kernel died before replying to kernel_info") is
started again, up to three times. On a loaded 2-core CI machine that runs several environments
at once, a kernel can lose the race for the TCP ports jupyter_client picked for it (it finds free
ports, then the kernel binds them). Only the start is retried: a cell that fails still fails.
"""

import logging

import nbval.kernel

# the original, even if this file is imported twice (its tests load it again)
_start_new_kernel = getattr(nbval.kernel.start_new_kernel, "__wrapped__", nbval.kernel.start_new_kernel)
ATTEMPTS = 3


def _start_with_retries(*args, **kwargs):
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _start_new_kernel(*args, **kwargs)
        except RuntimeError as error:
            if "Kernel died" not in str(error) or attempt == ATTEMPTS:
                raise
            logging.getLogger("nbval").warning("kernel start %d failed (%s): starting it again", attempt, error)


_start_with_retries.__wrapped__ = _start_new_kernel
nbval.kernel.start_new_kernel = _start_with_retries

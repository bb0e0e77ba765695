"""One module per command: ``add`` registers its arguments, ``run`` does it."""

from . import (
    addin,
    adopt,
    consolidate,
    data,
    demo,
    export,
    fill,
    fix_numbers,
    form,
    rollup,
    template,
    validate,
)

# In the order ``unionxl --help`` lists them.
COMMANDS = (form, template, data, fill, validate, fix_numbers, consolidate, export, adopt,
            rollup, addin, demo)

"""The newsdesk benchmark: `python bench/run.py --n N`."""

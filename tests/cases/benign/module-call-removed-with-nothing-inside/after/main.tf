# the disabled example is gone

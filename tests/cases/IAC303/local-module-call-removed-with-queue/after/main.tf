# the queue module is no longer used

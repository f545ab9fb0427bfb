from .base import TaggedConstruct
from .pipeline import Pipeline

from .job import JobApi
from .jobs import JobsApi

__all__ = ["JobApi", "JobsApi"]

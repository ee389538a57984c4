from .request import RequestCreateApi
from .retry import ProcessRetryApi
from .status import ProcessStatusApi, ProcessStatusDetailedApi

__all__ = ["ProcessRetryApi", "ProcessStatusApi", "ProcessStatusDetailedApi", "RequestCreateApi"]

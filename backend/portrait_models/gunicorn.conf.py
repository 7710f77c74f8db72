"""gunicorn settings for the model service in production:

    gunicorn -c backend/portrait_models/gunicorn.conf.py 'portrait_models:create_app()'

CPU-bound work: processes, not threads. Each sync worker loads its own ONNX session after the
fork (no preload) with ``MODELS_ORT_THREADS`` (default 1) onnxruntime threads: on 2 cores,
2 workers x 1 thread gave ~1.7x the throughput of one 2-thread process.
"""

import os

bind = f"{os.environ.get('MODELS_HOST', '0.0.0.0')}:{os.environ.get('MODELS_PORT', '8001')}"
workers = int(os.environ.get("MODELS_WORKERS", str(os.cpu_count() or 1)))
worker_class = "sync"
threads = 1
preload_app = False  # onnxruntime sessions must be created in the worker, not before fork
# Not MODELS_TIMEOUT: that is the API's wait for this service (5 s), far too short here.
timeout = int(os.environ.get("MODELS_WORKER_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = "-"
errorlog = "-"
# Bodies are limited by the app (MODELS_MAX_BYTES -> 413); headers stay at gunicorn's limits.

# No control socket (gunicorn 25.1+): nothing here uses gunicornc, and every instance on a host
# would otherwise bind the same ~/.gunicorn/gunicorn.ctl (tests run several at once).
control_socket_disable = True

"""A bare Flask "hello" app: the baseline bench_load.py runs under the API's gunicorn config.

gunicorn -c docker/api/gunicorn.conf.py --chdir scripts/bench hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"hello": "world"}

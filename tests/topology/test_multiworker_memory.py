"""Bounded memory per worker: four expensive uploads at once against the API under gunicorn
(one worker, or two, of four threads; FerretDB; the real model service). Each answer is 200,
413 or 503 (never 500), and no worker's peak RSS grows by more than AVATAR_DECODES_PER_PROCESS
uploads' work: the dearest picture's decode (its header price, at most AVATAR_DECODE_MAX_BYTES)
plus MASTER_WORK_MB for the master-sized work, which the decode slot also covers; the slot
hands the heap back (malloc_trim) before the next upload takes it.

Measured (2026-12-02, load from other suites): one slot, one worker 212-220 MB, two workers
203-211 and 103-106 MB; four slots (AVATAR_DECODES_PER_PROCESS=4), one worker 319 MB: over
this bound (268 MB), so the test tells one slot from four. Before the trim, each upload's
peak stacked on the heap glibc kept from the one before (312-358 MB with one slot or four)."""

import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from PIL import Image

from portrait.config import OPTIONS_BY_NAME
from portrait.imaging import Limits
from portrait.imaging.decode import decode_cost
from tests.hostile import bombs
from tests.topology.servers import gunicorn_api
from tests.topology.workers import API, bearer, new_account

pytestmark = pytest.mark.slow

MB = 1 << 20
SLOTS = OPTIONS_BY_NAME["AVATAR_DECODES_PER_PROCESS"].default
BUDGET_MB = OPTIONS_BY_NAME["AVATAR_DECODE_MAX_BYTES"].default / MB
MASTER_WORK_MB = 80  # master, colour, JPEG, variants and crop moderation, per upload
SLACK_MB = 20  # the threads' own buffers, the request bodies, allocator churn
# name in bombs.EXPENSIVE: its answer (200 when it gets a decode slot in time, else 503)
UPLOADS = {
    "png-16-bit-grey-6300": 200,
    "png-rgba-6300": 200,
    "jpeg-progressive-6000": 200,
    "webp-6300": 413,  # its decode would take ~650 MB
}


@pytest.fixture(scope="module", params=[1, 2], ids=["one-worker", "two-workers"])
def api(request, mongo_port, models_url, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "api.log"
    uri = f"mongodb://127.0.0.1:{mongo_port}/memory_{uuid.uuid4().hex[:8]}"
    with gunicorn_api(uri, log, workers=request.param, MODELS_URL=models_url) as base:
        yield base, log, request.param


def workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def price_mb(data: bytes) -> float:
    return decode_cost(Image.open(io.BytesIO(data)), data, Limits()) / MB


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024


def test_four_expensive_uploads_at_once_keep_each_worker_within_its_bound(api):
    base, log, workers = api
    accounts = []
    for _ in UPLOADS:
        response = requests.post(f"{base}{API}/auth/signup", json=new_account(), timeout=30)
        assert response.status_code == 201, response.text
        accounts.append(response.json())
    pids = workers_of(base.proc.pid)
    assert len(pids) == workers
    before = {pid: peak_mb(pid) for pid in pids}
    pictures = [bombs.EXPENSIVE[name]() for name in UPLOADS]

    def put(job):
        account, data = job
        headers = {**bearer(account["access_token"]), "Content-Type": "application/octet-stream"}
        return requests.put(f"{base}{API}/me/avatar", data=data, headers=headers, timeout=120)

    with ThreadPoolExecutor(len(UPLOADS)) as pool:
        answers = list(pool.map(put, zip(accounts, pictures, strict=True)))

    for (name, expected), answer in zip(UPLOADS.items(), answers, strict=True):
        # A refusal from the header needs no decode slot, so it is never a 503.
        allowed = (200, 503) if expected == 200 else (expected,)
        assert answer.status_code in allowed, (name, answer.status_code, answer.text)
        assert answer.headers["Content-Type"].startswith(
            "application/json" if answer.status_code == 200 else "application/problem+json"
        )
        if answer.status_code == 503:
            assert int(answer.headers["Retry-After"]) > 0
    assert any(a.status_code != 503 for a in answers), [a.text for a in answers]
    dearest = max(price_mb(data) for data in pictures if price_mb(data) <= BUDGET_MB)
    bound = SLOTS * (dearest + MASTER_WORK_MB) + SLACK_MB
    for pid in pids:
        assert workers_of(base.proc.pid) == pids, f"a worker was replaced; see {log}"
        assert peak_mb(pid) - before[pid] < bound, (pid, before[pid], peak_mb(pid))

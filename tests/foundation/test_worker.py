import pytest

from core.tasks import ping


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_redis_and_a_real_worker(celery_worker_process, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = ping.delay("hello")
    assert result.get(timeout=60) == {"echo": "hello", "database": "postgresql"}
    assert result.successful()

from celery import shared_task


@shared_task(name="bangkom.run_job")
def run_job_task(job_id: str) -> None:
    from bangkom.jobs.services import run_job

    run_job(job_id)

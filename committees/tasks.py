"""Celery tasks for committees: building meeting papers in the background."""

from celery import shared_task


@shared_task(bind=True, acks_late=True)
def build_pack(self, meeting_id, kind):
    """Build and store one paper (an agenda pack, the minutes or a decision notice).

    Progress is written to the cache as each part renders, and to the task's
    own state, so the meeting page can show "Building… N of M". Safe to run
    twice: a paper whose current version is already stored is not rebuilt.
    """
    from committees.papers import store

    def report(done, total):
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return store.build_and_store(meeting_id, kind, on_progress=report)

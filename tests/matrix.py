"""Permission matrices: one test per case, every person of the world checked inside it.

The world is built once per worker; each person's requests run in a savepoint
that is rolled back, so what one person changes is gone before the next.
"""

from django.db import transaction

from partnership.choices import Role

#: A body of ``world.ours`` that owns the record, its partner body, and a body outside the partnership.
BODIES = ("council", "nhs", "other")


def check_everyone(client, world, check, bodies=BODIES, roles=tuple(Role.values)):
    """Sign in as each role of each body and call ``check(body, role)`` in a rolled-back savepoint.

    Fails once at the end, naming every body and role whose check failed and why.
    """
    failures = []
    for body in bodies:
        for role in roles:
            client.force_login(world.user(body, role))
            with transaction.atomic():
                try:
                    check(body, role)
                except AssertionError as error:
                    failures.append(f"{body} {role}: {error}")
                except Exception as error:
                    error.add_note(f"(signed in as the {role} of {body})")
                    raise
                finally:
                    transaction.set_rollback(True)
    assert not failures, f"wrong for {len(failures)} people:\n" + "\n".join(failures)

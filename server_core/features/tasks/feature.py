"""The tasks feature: which service answers each operation, its events and errors."""

from __future__ import annotations

from server_core.features.tasks import (
    bulk,
    context,
    dependencies,
    handoff,
    history,
    queries,
    search,
    tasks,
)
from server_core.features.tasks.errors import DependencyCycle, NestedSubtask
from server_core.features.tasks.events import TaskChanged
from server_core.features.tasks.operations import Tasks
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "tasks",
    serves={
        Tasks.mine: queries.my_tasks,
        Tasks.next: queries.next_task,
        Tasks.summary: bulk.summary,
        Tasks.reorder: bulk.do_reorder,
        Tasks.batch: bulk.do_batch,
        Tasks.search: search.search_tasks,
        Tasks.list: queries.list_tasks,
        Tasks.create: tasks.do_create_task,
        Tasks.get: queries.get_task,
        Tasks.update: tasks.do_update_task,
        Tasks.delete: tasks.do_delete_task,
        Tasks.subtasks: queries.list_subtasks,
        Tasks.context: context.get_context,
        Tasks.set_context: context.do_set_context,
        Tasks.update_context: context.do_update_context,
        Tasks.append_context: context.do_append_context,
        Tasks.activity: history.list_activity,
        Tasks.post_activity: history.do_post_activity,
        Tasks.dependencies: dependencies.list_dependencies,
        Tasks.add_dependency: dependencies.do_add_dependency,
        Tasks.remove_dependency: dependencies.do_remove_dependency,
        Tasks.handoff: handoff.do_handoff,
        Tasks.latest_handoff: handoff.latest_handoff,
        Tasks.time: history.time_in_status,
    },
    events=[TaskChanged],
    errors=[NestedSubtask, DependencyCycle],
)

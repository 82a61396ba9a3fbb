"""The tasks feature: which service answers each operation, its events and errors; loading it
gives the coordination emojis their meaning (a listener on messaging's reactions)."""

from __future__ import annotations

from server_core.features.messaging.reaction_listeners import listen_to_reactions
from server_core.features.tasks import (
    bulk,
    channel_tasks,
    context,
    coordination,
    dependencies,
    handoff,
    history,
    queries,
    recurrence,
    search,
    tasks,
    templates,
)
from server_core.features.tasks.errors import (
    DependencyCycle,
    InvalidRecurrenceRule,
    MissingVariables,
    NestedSubtask,
    NotRecurring,
    RecurrenceOnInstance,
)
from server_core.features.tasks.events import TaskChanged
from server_core.features.tasks.operations import Tasks
from server_core.kernel.errors import InvalidTimezone
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "tasks",
    serves={
        Tasks.mine: queries.my_tasks,
        Tasks.next: queries.next_task,
        Tasks.summary: bulk.summary,
        Tasks.reorder: bulk.do_reorder,
        Tasks.batch: bulk.do_batch,
        Tasks.create_template: templates.do_create_template,
        Tasks.templates: templates.list_templates,
        Tasks.get_template: templates.get_template,
        Tasks.update_template: templates.do_update_template,
        Tasks.delete_template: templates.do_delete_template,
        Tasks.use_template: templates.do_use_template,
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
        Tasks.recurrences: recurrence.list_recurrences,
        Tasks.skip: recurrence.do_skip,
        Tasks.channel_tasks: channel_tasks.list_channel_tasks,
        Tasks.create_channel_task: channel_tasks.do_create_channel_task,
        Tasks.update_channel_task: channel_tasks.do_update_channel_task,
    },
    events=[TaskChanged],
    errors=[
        NestedSubtask,
        DependencyCycle,
        InvalidRecurrenceRule,
        InvalidTimezone,
        NotRecurring,
        RecurrenceOnInstance,
        MissingVariables,
    ],
)

listen_to_reactions(coordination.apply_coordination_emoji)

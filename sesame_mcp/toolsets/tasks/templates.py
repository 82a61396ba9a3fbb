"""Task templates and recurring tasks (toolset `tasks_admin`): patterns for a kind of work,
with `{{var}}` title placeholders and the subtasks that come with them; and the series of a
recurring task (its rule is set with create_task / update_task). Declared from the platform's
operations (`sesame_mcp.derived`)."""

from __future__ import annotations

from pydantic import Field

from server_core.features.tasks.operations import Tasks
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.tasks.admin import TASKS_ADMIN
from sesame_mcp.toolsets.tasks.tasks import TASK
from sesame_mcp.toolsets.tasks.views import TaskOutput, TasksOutput, TaskView


async def _as_given(_: Sesame, ref: str) -> str:
    return ref.strip()


TEMPLATE = Ref("template", "The template's id (list_task_templates shows them)", _as_given)


class SubtaskTemplateView(View):
    title: str


class TemplateView(View):
    id: str
    name: str
    description: str | None
    project_id: str | None
    title_pattern: str
    variables: list[str] = Field(description="The {{placeholders}} to fill")
    default_priority: str | None
    default_labels: list[str]
    subtask_templates: list[SubtaskTemplateView]

    def line(self) -> str:
        needs = f", needs {', '.join(self.variables)}" if self.variables else ""
        subtasks = f", {len(self.subtask_templates)} subtasks" if self.subtask_templates else ""
        return f"- {quote(self.name)} [{self.id}]: {quote(self.title_pattern)}{needs}{subtasks}"


class TemplateOutput(ToolOutput):
    template: TemplateView

    def render(self) -> str:
        lines = [f"Template {self.template.line()[2:]}"]
        lines += [f"  subtask: {quote(s.title)}" for s in self.template.subtask_templates]
        return "\n".join(lines)


class TemplatesOutput(ToolOutput):
    templates: list[TemplateView] = Field(description="By name")

    def render(self) -> str:
        if not self.templates:
            return "No task templates yet: create_task_template makes one."
        lines = [f"{len(self.templates)} templates:", *(t.line() for t in self.templates)]
        return "\n".join(lines)


class MadeView(View):
    task: TaskView
    subtasks: list[TaskView] = Field(description="In the template's order")


class MadeFromTemplateOutput(ToolOutput):
    created: MadeView = Field(description="The task and its subtasks")

    def render(self) -> str:
        made = self.created
        return "\n".join([f"Created {made.task.line()[2:]}", *(s.line() for s in made.subtasks)])


TEMPLATE_FIELDS = {
    "name": "What kind of work it is for",
    "description": "More about the template",
    "title_pattern": "The task's title, with {{placeholders}}: 'Release {{version}}'",
    "default_priority": "critical, high, medium or low",
    "default_labels": "Labels the task gets",
    "context": "The task's context block: background, decisions, constraints, acceptance…",
    "subtask_templates": "Subtasks the task gets: [{title, context}]",
    "project_id": "Its project: slug or id",
}

derive(
    TASKS_ADMIN,
    Tasks.templates,
    name="list_task_templates",
    title="Task templates",
    description="The workspace's task templates by name, with the placeholders each needs.",
    output=TemplatesOutput,
    descriptions={"project_id": "Only this project's: slug or id"},
)
derive(
    TASKS_ADMIN,
    Tasks.get_template,
    name="get_task_template",
    title="A task template",
    description="A task template with its subtasks.",
    output=TemplateOutput,
    refs={"template_id": TEMPLATE},
)
derive(
    TASKS_ADMIN,
    Tasks.create_template,
    name="create_task_template",
    title="Create a task template",
    description="Make a template for a recurring kind of work: a title pattern with "
    "{{placeholders}}, defaults, a context and subtasks.",
    output=TemplateOutput,
    descriptions=TEMPLATE_FIELDS,
)
derive(
    TASKS_ADMIN,
    Tasks.update_template,
    name="update_task_template",
    title="Update a task template",
    description="Change a template (its creator or a workspace admin); only what is given changes.",
    output=TemplateOutput,
    refs={"template_id": TEMPLATE},
    descriptions=TEMPLATE_FIELDS,
)
derive(
    TASKS_ADMIN,
    Tasks.delete_template,
    name="delete_task_template",
    title="Delete a task template",
    description="Delete a template (its creator or a workspace admin); tasks made from it stay.",
    output=TemplateOutput,
    refs={"template_id": TEMPLATE},
)
derive(
    TASKS_ADMIN,
    Tasks.use_template,
    name="create_task_from_template",
    title="Create a task from a template",
    description="Create a task and its subtasks from a template, its {{placeholders}} filled "
    "from variables.",
    output=MadeFromTemplateOutput,
    refs={"template_id": TEMPLATE},
    descriptions={
        "variables": 'Values of the placeholders: {"version": "2.1"}',
        "assignee_ids": "Who works on it: principal ids",
        "project_id": "Its project (default: the template's): slug or id",
        "overrides": "Instead of the template's: title, description, status, priority, "
        "labels, dueDate, context",
    },
)
derive(
    TASKS_ADMIN,
    Tasks.recurrences,
    name="task_recurrences",
    title="A recurring task's series",
    description="A recurring task's series: the task with the rule, then each occurrence in "
    "order. Completing an occurrence creates the next.",
    output=TasksOutput,
    refs={"task_id": TASK},
)
derive(
    TASKS_ADMIN,
    Tasks.skip,
    name="skip_recurrence",
    title="Skip an occurrence",
    description="Skip the next occurrence of a recurring task: the one after it is due next.",
    output=TaskOutput,
    refs={"task_id": TASK},
)

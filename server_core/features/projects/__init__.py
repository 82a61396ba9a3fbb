"""Projects: groups of tasks with members and a versioned context that tells how their work is
done (goals, conventions, stack, roles, repositories, links)."""

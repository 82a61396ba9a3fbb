// Dragging a card to another column of the tasks board moves the task (the same endpoint as
// the card's "Move to" form), then redraws the board from the server: moves that follow from
// it (a dependent unblocked by a task done) show at once. `task` events redraw it too.
const board = document.getElementById("board");
const csrf = document.querySelector('input[name="csrf"]')?.value ?? "";

async function redraw() {
  const query = board.dataset.query ? `${board.dataset.query}&part=1` : "part=1";
  const answer = await fetch(`/tasks?${query}`, { credentials: "same-origin" });
  if (answer.ok) board.innerHTML = await answer.text(); // rendered and escaped by the server
}

async function move(taskId, status) {
  const body = new URLSearchParams({ csrf, status });
  const answer = await fetch(`/tasks/${taskId}/move`, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-Requested-With": "fetch" },
  });
  if (!answer.ok) {
    const text = await answer.text();
    board.insertAdjacentHTML("beforebegin", '<p class="error" role="alert"></p>');
    board.previousElementSibling.textContent = text;
  }
  await redraw();
}

board.addEventListener("dragstart", (event) => {
  const card = event.target.closest("[data-task]");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.task);
});
board.addEventListener("dragover", (event) => {
  if (event.target.closest("[data-status]")) event.preventDefault();
});
board.addEventListener("drop", (event) => {
  const column = event.target.closest("[data-status]");
  const taskId = event.dataTransfer.getData("text/plain");
  if (!column || !taskId) return;
  event.preventDefault();
  move(taskId, column.dataset.status);
});
document.addEventListener("sesame:event", (event) => {
  if (event.detail.type === "task") redraw();
});

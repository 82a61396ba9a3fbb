// Live updates from the platform's own WebSocket gateway (/v1/connect), authenticated with the
// signed-in human's access token the page carries. New messages are appended as text nodes
// (never parsed as HTML); lease requests refresh the approvals list; presence fills the status
// cells of the agents table. Every frame is also dispatched as a `sesame:event` for the
// page's own script.
const token = document.querySelector('meta[name="sesame-token"]')?.content;

function appendMessage(message) {
  const list = document.getElementById("messages");
  if (!list || list.dataset.channel !== message.channelId) return;
  if (list.querySelector(`[data-seq="${message.seq}"]`)) return;
  const item = document.createElement("li");
  item.dataset.seq = String(message.seq);
  const sender = document.createElement("span");
  sender.className = "sender";
  const handle = message.metadata?.senderHandle ?? message.senderId.slice(0, 8);
  sender.textContent = `@${handle}`;
  const time = document.createElement("time");
  time.dateTime = message.createdAt;
  time.textContent = message.createdAt.slice(11, 16);
  const text = document.createElement("p");
  text.className = "text";
  text.textContent = message.plaintext ?? "(deleted)";
  item.append(sender, " ", time, text);
  list.append(item);
  document.getElementById("no-messages")?.remove();
}

async function refreshApprovals() {
  const box = document.getElementById("approvals");
  if (!box) return;
  const answer = await fetch("/approvals?part=1", { credentials: "same-origin" });
  if (answer.ok) box.innerHTML = await answer.text(); // rendered and escaped by the server
}

function showPresence(frame) {
  const id = frame.principalId ?? frame.principal_id;
  const cell = document.querySelector(`[data-presence="${id}"]`);
  if (cell) cell.textContent = frame.status;
}

async function refreshStreams() {
  const box = document.getElementById("streams");
  if (!box) return;
  const answer = await fetch("/mission-control?part=1", { credentials: "same-origin" });
  if (answer.ok) box.innerHTML = await answer.text(); // rendered and escaped by the server
}

function showStream(frame) {
  const stream = frame.workStream;
  const log = document.querySelector(`[data-stream="${stream?.id}"] .log`);
  if (frame.action !== "output" || !log) return refreshStreams();
  for (const event of frame.events ?? []) {
    if (log.querySelector(`[data-seq="${event.seq}"]`)) continue;
    const line = document.createElement("span");
    line.className = event.eventType;
    line.dataset.seq = String(event.seq);
    line.textContent = `${event.content}\n`;
    log.append(line);
  }
}

function connect(delay) {
  if (!token) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/v1/connect`);
  socket.addEventListener("open", () => {
    delay = 500;
    socket.send(JSON.stringify({ type: "auth", token }));
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    document.dispatchEvent(new CustomEvent("sesame:event", { detail: frame }));
    if (frame.type === "message" && frame.message) appendMessage(frame.message);
    else if (frame.type === "vault.lease_request") refreshApprovals();
    else if (frame.type === "presence") showPresence(frame);
    else if (frame.type === "work_stream") showStream(frame);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4001) return; // the token expired: the next page load refreshes it
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
  });
  document.body.dataset.live = "connecting";
  socket.addEventListener("open", () => { document.body.dataset.live = "open"; });
}

connect(500);

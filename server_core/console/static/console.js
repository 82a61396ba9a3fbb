// Small conveniences without inline script: copy buttons.
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = "Copied.";
    } catch {
      source.select(); // no clipboard access: select it for Ctrl+C
      if (status) status.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
}

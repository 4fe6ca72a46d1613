// The only script of the portal: keep a slow agent turn from being sent twice.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[type=submit]");
  if (button && event.target.id === "chat-form") {
    button.disabled = true;
    button.textContent = "Thinking…";
  }
});

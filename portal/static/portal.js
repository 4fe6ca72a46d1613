// The only script of the portal (the CSP forbids inline script): keep a slow agent turn from being sent twice,
// and let a suggested answer fill the chat's message box.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[type=submit]");
  if (button && event.target.id === "chat-form") {
    button.disabled = true;
    button.textContent = button.dataset.busy || "…";
  }
});

document.addEventListener("click", (event) => {
  const option = event.target.closest("button.option[data-fill]");
  const box = document.getElementById("message");
  if (option && box) {
    box.value = option.dataset.fill;
    box.focus();
  }
});

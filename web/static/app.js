// lpse-leads workbench: the only script. Ticks every lead of the list at once; pages work without it.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll("input[name=lead_id]").forEach((box) => { box.checked = all.checked; });
  });
});

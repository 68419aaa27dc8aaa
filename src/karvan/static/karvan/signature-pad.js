// Karvan's signature pad: draw with a mouse, pen or finger on a <canvas data-signature-pad="ID">;
// the drawing is written as a PNG data URL into the hidden input ID when the form is sent.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-signature-pad]").forEach(function (canvas) {
    var input = document.getElementById(canvas.getAttribute("data-signature-pad"));
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#0b1f4d";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    var clear = document.querySelector('[data-signature-clear="' + canvas.getAttribute("data-signature-pad") + '"]');
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        if (input) { input.value = ""; }
      });
    }
    if (input && input.form) {
      input.form.addEventListener("submit", function () {
        input.value = drawn ? canvas.toDataURL("image/png") : "";
      });
    }
  });
}());

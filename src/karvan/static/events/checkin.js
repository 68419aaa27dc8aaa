// Check-in: where the browser can read QR codes itself (BarcodeDetector), scan with the camera;
// otherwise a scanner that types, or the keyboard, fills the code field.
(function () {
  "use strict";
  var button = document.getElementById("camera-scan");
  var video = document.getElementById("camera-view");
  var field = document.getElementById("id_code");
  if (!button || !video || !field || !("BarcodeDetector" in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var timer = window.setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            window.clearInterval(timer);
            stream.getTracks().forEach(function (track) { track.stop(); });
            field.value = codes[0].rawValue;
            field.form.submit();
          }
        }).catch(function () { /* a frame that could not be read: try the next one */ });
      }, 300);
    }).catch(function () {
      button.disabled = true;  // no camera, or permission refused: type the code instead
    });
  });
})();

/* The video page's HLS player: hls.js where Media Source Extensions exist, native HLS otherwise. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var video = document.getElementById("mp-player");
    if (!video) return;
    var src = video.getAttribute("data-hls-src");
    var status = document.getElementById("mp-player-status");
    function say(text) { if (status) status.textContent = text; }
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ capLevelToPlayerSize: false });
      hls.on(window.Hls.Events.MANIFEST_PARSED, function (event, data) {
        var heights = data.levels.map(function (level) { return level.height + "p"; });
        video.setAttribute("data-levels", heights.join(","));
        say("HLS: " + src + " — " + heights.join(", "));
      });
      hls.on(window.Hls.Events.LEVEL_SWITCHED, function (event, data) {
        video.setAttribute("data-level", String(data.level));
      });
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (data.fatal) say("Playback error: " + data.type + " / " + data.details);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      window.mpHls = hls;
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
    } else {
      say("This browser cannot play HLS.");
    }
  });
})();

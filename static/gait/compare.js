/* The before / now player: two videos stepped together, stride by stride, on matched contacts
   (contact n of one foot in both runs), with play / pause, one-frame steps and keyboard keys.
   While playing, the second video follows the first stride by stride: between matched contacts
   its speed is scaled so both feet land together even when the two cadences differ. */
(function () {
  "use strict";

  var EPSILON = 0.001; // seek just past a frame's start so the browser shows that frame

  function Player(root) {
    this.root = root;
    this.a = root.querySelector('video[data-video="a"]');
    this.b = root.querySelector('video[data-video="b"]');
    this.fpsA = parseFloat(root.getAttribute("data-fps-a")) || 30;
    this.fpsB = parseFloat(root.getAttribute("data-fps-b")) || 30;
    this.status = root.querySelector("[data-player-status]");
    this.playButton = root.querySelector('[data-action="play"]');
    this.speedSelect = root.querySelector('[data-action="speed"]');
    this.rows = Array.prototype.slice.call(root.querySelectorAll("tr[data-stride]"));
    this.strides = this.rows.map(function (row) {
      return {
        a: parseFloat(row.getAttribute("data-time-a")), b: parseFloat(row.getAttribute("data-time-b")),
        frameA: parseInt(row.getAttribute("data-frame-a"), 10), frameB: parseInt(row.getAttribute("data-frame-b"), 10)
      };
    });
    this.index = -1;
    this.playing = false;
    this.bind();
  }

  Player.prototype.bind = function () {
    var self = this;
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !self.root.contains(button)) return;
      if (button.hasAttribute("data-goto")) return self.goTo(parseInt(button.getAttribute("data-goto"), 10));
      self.act(button.getAttribute("data-action"));
    });
    if (this.speedSelect) {
      this.speedSelect.addEventListener("change", function () { self.applySpeed(); });
    }
    this.a.addEventListener("ended", function () { self.pause("The run before has ended."); });
    document.addEventListener("keydown", function (event) { self.key(event); });
  };

  Player.prototype.act = function (action) {
    if (action === "play") return this.playing ? this.pause() : this.play();
    if (action === "frame-back") return this.stepFrames(-1);
    if (action === "frame-forward") return this.stepFrames(1);
    if (action === "next-stride") return this.stepStride(1);
    if (action === "prev-stride") return this.stepStride(-1);
  };

  Player.prototype.key = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    var key = event.key;
    var onButton = target.closest && target.closest("button, a, summary");
    var action = null;
    if ((key === " " && !onButton) || key === "k" || key === "K") action = "play";
    else if (key === "ArrowLeft" || key === ",") action = "frame-back";
    else if (key === "ArrowRight" || key === ".") action = "frame-forward";
    else if (key === "n" || key === "N") action = "next-stride";
    else if (key === "p" || key === "P") action = "prev-stride";
    if (!action) return;
    event.preventDefault();
    this.act(action);
  };

  Player.prototype.speed = function () {
    return this.speedSelect ? parseFloat(this.speedSelect.value) || 1 : 1;
  };

  Player.prototype.applySpeed = function () {
    this.a.playbackRate = this.speed();
    this.b.playbackRate = this.speed() * this.ratio(this.a.currentTime);
  };

  // The stride segment of run A that holds time t: [i, i + 1], clamped to the matched strides.
  Player.prototype.segment = function (t) {
    var s = this.strides, i = 0;
    while (i < s.length - 2 && s[i + 1].a <= t) i += 1;
    return i;
  };

  Player.prototype.ratio = function (t) {
    var s = this.strides;
    if (s.length < 2) return 1;
    var i = this.segment(t), span = s[i + 1].a - s[i].a;
    var r = span > 0 ? (s[i + 1].b - s[i].b) / span : 1;
    return Math.min(2, Math.max(0.5, r));
  };

  // Where run B should be when run A is at t: stride by stride, B's time scaled to A's strides.
  Player.prototype.follow = function (t) {
    var s = this.strides;
    if (!s.length) return t;
    if (s.length < 2) return s[0].b + (t - s[0].a);
    var i = this.segment(t);
    return s[i].b + (t - s[i].a) * this.ratio(t);
  };

  Player.prototype.play = function () {
    var self = this;
    this.playing = true;
    this.playButton.textContent = "Pause";
    this.applySpeed();
    var started = [this.a.play(), this.b.play()];
    started.forEach(function (p) { if (p && p.catch) p.catch(function () {}); });
    this.say("Playing both runs at " + this.speedSelect.options[this.speedSelect.selectedIndex].text + ".");
    var tick = function () {
      if (!self.playing) return;
      var target = self.follow(self.a.currentTime), drift = target - self.b.currentTime;
      if (Math.abs(drift) > 0.2) self.b.currentTime = Math.max(0, target);
      else self.b.playbackRate = self.speed() * Math.min(2, Math.max(0.5, self.ratio(self.a.currentTime) + drift));
      window.requestAnimationFrame(tick);
    };
    window.requestAnimationFrame(tick);
  };

  Player.prototype.pause = function (why) {
    this.playing = false;
    this.a.pause();
    this.b.pause();
    this.playButton.textContent = "Play";
    this.say((why ? why + " " : "") + "Paused at " + this.where() + ".");
  };

  Player.prototype.frameOf = function (video, fps) {
    return Math.max(0, Math.round(video.currentTime * fps - EPSILON * fps));
  };

  Player.prototype.where = function () {
    return "frame " + this.frameOf(this.a, this.fpsA) + " before and frame " + this.frameOf(this.b, this.fpsB) + " now";
  };

  Player.prototype.seek = function (timeA, timeB) {
    this.a.currentTime = Math.max(0, timeA + EPSILON);
    this.b.currentTime = Math.max(0, timeB + EPSILON);
  };

  Player.prototype.stepFrames = function (n) {
    if (this.playing) this.pause();
    var fa = Math.max(0, this.frameOf(this.a, this.fpsA) + n), fb = Math.max(0, this.frameOf(this.b, this.fpsB) + n);
    this.seek(fa / this.fpsA, fb / this.fpsB);
    this.say((n > 0 ? "Forward" : "Back") + " one frame: frame " + fa + " before, frame " + fb + " now.");
  };

  Player.prototype.stepStride = function (n) {
    if (!this.strides.length) return this.say("No matched contacts to step through.");
    var t = this.a.currentTime, half = 0.5 / this.fpsA, i;
    if (n > 0) {
      for (i = 0; i < this.strides.length && this.strides[i].a <= t + half; i += 1) { /* next one after now */ }
      if (this.index < 0 && t <= this.strides[0].a + half) i = 0; // a contact at the very first frame
    } else {
      for (i = this.strides.length - 1; i >= 0 && this.strides[i].a >= t - half; i -= 1) { /* last one before now */ }
    }
    if (i < 0 || i >= this.strides.length) {
      return this.say(n > 0 ? "That was the last matched stride." : "That was the first matched stride.");
    }
    this.goTo(i);
  };

  Player.prototype.goTo = function (i) {
    if (this.playing) this.pause();
    var s = this.strides[i];
    if (!s) return;
    this.index = i;
    this.seek(s.a, s.b);
    this.rows.forEach(function (row, j) {
      row.classList.toggle("current", j === i);
      if (j === i) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
    this.say("Stride " + (i + 1) + " of " + this.strides.length + ": contact at frame " + s.frameA + " (" +
             s.a.toFixed(2) + " s) before and frame " + s.frameB + " (" + s.b.toFixed(2) + " s) now.");
  };

  Player.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-compare-player]");
    if (root) window.stridewellComparePlayer = new Player(root);
  });
})();

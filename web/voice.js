// The microphone button: record, send the audio for a transcript, send the transcript as the
// user's message (the ordinary run: same thread, same confirmations), then speak the reply.
// The server says which engines it has (voice.json); without speech-to-text the button stays hidden.

const MAX_RECORDING_MS = 30_000;

function pickMimeType() {
  for (const type of ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"]) {
    if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
  }
  return "";
}

export function setupVoice({ button, getApi, isBusy, sendMessage, say, explain }) {
  let recorder = null;
  let stopTimer = null;
  let canSpeak = false;

  function show(recording) {
    button.setAttribute("aria-pressed", String(recording));
    button.classList.toggle("recording", recording);
    button.textContent = recording ? "■ Stop · 停止" : "Speak · 说话";
  }

  async function speakReply(text) {
    if (!canSpeak || !text || text === "—") return;
    const audio = await getApi().speak(text);
    const url = URL.createObjectURL(audio);
    const player = document.createElement("audio");
    player.controls = true;
    player.src = url;
    player.className = "reply-audio";
    [...document.querySelectorAll("li.msg.assistant")].at(-1)?.append(player);
    try {
      await player.play();
      player.dataset.played = "true";
    } catch {
      // Autoplay refused: the controls stay for the user to press play.
    }
  }

  async function finish(chunks, mimeType) {
    button.disabled = true;
    say("Listening · 识别中…");
    try {
      const blob = new Blob(chunks, { type: mimeType || "audio/webm" });
      const heard = await getApi().transcribe(blob);
      if (!heard.text) {
        say("No speech heard · 没有听到语音", true);
        return;
      }
      say(`Heard · 听到: ${heard.text}`);
      const reply = await sendMessage(heard.text, { spoken: true });
      await speakReply(reply);
    } catch (error) {
      say(explain(error), true);
    } finally {
      button.disabled = false;
    }
  }

  async function start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      say(`Microphone unavailable · 无法使用麦克风: ${error.message}`, true);
      return;
    }
    const mimeType = pickMimeType();
    const chunks = [];
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", () => {
      for (const track of stream.getTracks()) track.stop();
      clearTimeout(stopTimer);
      recorder = null;
      show(false);
      finish(chunks, mimeType);
    });
    recorder.start();
    show(true);
    say("Recording · 录音中… (press again to send · 再按一次发送)");
    stopTimer = setTimeout(() => recorder?.stop(), MAX_RECORDING_MS);
  }

  button.addEventListener("click", () => {
    if (recorder) recorder.stop();
    else if (!isBusy() && getApi()) start();
  });

  return fetch("voice.json", { cache: "no-cache" })
    .then((response) => (response.ok ? response.json() : null))
    .then((status) => {
      canSpeak = Boolean(status?.tts);
      button.hidden = !status?.stt || !navigator.mediaDevices || !window.MediaRecorder;
      if (status?.reasons?.stt) button.title = status.reasons.stt;
      show(false);
    })
    .catch(() => {
      button.hidden = true;
    });
}

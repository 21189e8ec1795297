// The song page: the duration shown is the player's own, once it knows it (a decoder may count
// a few ms differently from the server's), in the player's m:ss.
import { clock } from "./clock.js";

const audio = document.getElementById("song-audio");
const out = document.getElementById("song-duration");
const show = () => { if (Number.isFinite(audio.duration)) out.textContent = clock(audio.duration); };
audio.addEventListener("loadedmetadata", show);
show();

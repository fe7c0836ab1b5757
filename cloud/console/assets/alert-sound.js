// A short two-tone chime when new work arrives, made by the Web Audio API (no sound file to load).
// Browsers start audio only after the person has touched the page (Chrome's autoplay policy), so
// the work page offers a button that turns it on; the choice is kept on the phone (localStorage).
import { t, el } from './core.js';

const STORED_CHOICE = 'estatecare.sound';
/** A4 and E5, 150 ms each: audible over a street, short enough not to annoy. */
const TONES_HZ = [440, 659];
const TONE_S = 0.15;

let context = null;
const audio = () => (context ||= new AudioContext());
const wanted = () => localStorage.getItem(STORED_CHOICE) !== 'off';

/** Plays the chime if the person wants sound and the browser lets the page play it; says whether it did. */
export function chime() {
  if (!wanted() || audio().state !== 'running') return false;
  const ctx = audio();
  TONES_HZ.forEach((hz, i) => {
    const start = ctx.currentTime + i * TONE_S;
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.frequency.value = hz;
    gain.gain.setValueAtTime(0.25, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + TONE_S);
    tone.connect(gain).connect(ctx.destination);
    tone.start(start);
    tone.stop(start + TONE_S);
  });
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  return true;
}

/**
 * The sound switch: off or on at the person's choice, and, while the browser has not yet allowed
 * the page to play (no tap yet), a tap that allows it and chimes once to say so.
 */
export function soundSwitch() {
  const button = el('button', { type: 'button', class: 'link sound', id: 'sound' });
  const show = () => {
    const state = !wanted() ? 'off' : audio().state === 'running' ? 'on' : 'blocked';
    button.dataset.sound = state;
    button.textContent = t(`work.sound_${state}`);
  };
  button.addEventListener('click', async () => {
    const turningOn = button.dataset.sound !== 'on';
    localStorage.setItem(STORED_CHOICE, turningOn ? 'on' : 'off');
    if (turningOn) await audio().resume();
    show();
    if (turningOn) chime();
  });
  audio().addEventListener('statechange', show);
  // A page opened after an earlier tap may be allowed at once (Chrome's media engagement).
  audio().resume().catch(() => {}).finally(show);
  show();
  return button;
}

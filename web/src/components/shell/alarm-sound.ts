// The alarm tone, made with Web Audio: no sound file to fetch. Whether it sounds is the user's
// preference (alarmSound, kept by the API: it follows them between devices).

let context: AudioContext | undefined;

/** Two short beeps, higher and three times for critical; silent until the page has had a click or key. */
export function playAlarmTone(severity: 'critical' | 'high' | 'medium' | 'low'): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const beeps = severity === 'critical' ? 3 : 2;
    const frequency = severity === 'critical' ? 1046 : severity === 'high' ? 880 : 660;
    for (let i = 0; i < beeps; i += 1) {
      const start = context.currentTime + i * 0.28;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.22);
    }
  } catch {
    // No audio device or Web Audio: the bar and the title still annunciate.
  }
}

// A small lift station that behaves plausibly: inflow wanders through the day, the wet well fills,
// the pump starts at the high level and stops at the low one, the motor warms while it runs, and
// now and then the pump trips on a fault that resets itself a minute later. The discharge main has a
// flow meter at the station and another where it delivers; a leak between them (`leakLs`, opened by
// writing the PLC's leak register) makes the delivered flow fall short of the pumped flow.

export interface PlantState {
  /** Wet well level, m (0-4). */
  level: number;
  /** Inflow, L/s. */
  inflow: number;
  pumpRun: boolean;
  pumpFault: boolean;
  /** Flow totaliser, m³ (whole cubic metres go to the PLC). */
  flowTotal: number;
  /** Pump motor winding temperature, °C. */
  motorTemperature: number;
  /** Pump motor current, A. */
  motorCurrent: number;
  /** The discharge main's flow leaving the station (the pump's flow), L/s. */
  dischargeFlow: number;
  /** The discharge main's flow where it delivers, L/s: the pumped flow less any leak. */
  deliveredFlow: number;
}

export interface PlantOptions {
  /** Average seconds between pump faults. */
  meanSecondsBetweenFaults?: number;
  random?: () => number;
}

const wellAreaM2 = 12;
const pumpCapacityLs = 85;
const startLevel = 2.6;
const stopLevel = 0.9;
const ambient = 18;

export class PlantModel {
  readonly state: PlantState = {
    level: 1.5,
    inflow: 40,
    pumpRun: false,
    pumpFault: false,
    flowTotal: 125_000,
    motorTemperature: ambient + 6,
    motorCurrent: 0,
    dischargeFlow: 0,
    deliveredFlow: 0,
  };
  /** A leak in the discharge main, L/s (0: none); what it loses while the pump runs. */
  leakLs = 0;
  readonly #random: () => number;
  readonly #meanSecondsBetweenFaults: number;
  #faultClearsAt = 0;
  #elapsed = 0;

  constructor(options: PlantOptions = {}) {
    this.#random = options.random ?? Math.random;
    this.#meanSecondsBetweenFaults = options.meanSecondsBetweenFaults ?? 600;
  }

  /** Advance the plant by `seconds`. */
  step(seconds: number): PlantState {
    const s = this.state;
    this.#elapsed += seconds;
    const noise = () => this.#random() - 0.5;
    s.inflow = Math.max(0, 40 + 15 * Math.sin((2 * Math.PI * this.#elapsed) / 900) + 3 * noise());

    if (s.pumpFault && this.#elapsed >= this.#faultClearsAt) s.pumpFault = false;
    if (!s.pumpFault && s.pumpRun && this.#random() < seconds / this.#meanSecondsBetweenFaults) {
      s.pumpFault = true;
      this.#faultClearsAt = this.#elapsed + 45 + 30 * this.#random();
    }
    if (s.pumpFault) s.pumpRun = false;
    else if (s.level >= startLevel) s.pumpRun = true;
    else if (s.level <= stopLevel) s.pumpRun = false;

    const outflow = s.pumpRun ? pumpCapacityLs * (0.97 + 0.06 * this.#random()) : 0;
    s.level = Math.min(4, Math.max(0, s.level + ((s.inflow - outflow) / 1000 / wellAreaM2) * seconds));
    s.flowTotal += (s.inflow / 1000) * seconds;
    s.dischargeFlow = outflow;
    s.deliveredFlow = Math.max(0, outflow - Math.max(0, this.leakLs));

    const targetTemperature = s.pumpRun ? 68 : ambient;
    s.motorTemperature +=
      (targetTemperature - s.motorTemperature) * Math.min(1, seconds / 300) + 0.1 * noise();
    s.motorCurrent = s.pumpRun ? 41 + 2 * noise() : 0;
    return s;
  }
}

// PIN rules shared by onboarding and unlock.

export const MIN_PIN_LENGTH = 4;

/** Why a new PIN cannot be used, or null. */
export function newPinProblem(pin: string, confirm: string): string | null {
  if (pin.length < MIN_PIN_LENGTH) return `use at least ${MIN_PIN_LENGTH} characters`;
  if (pin !== confirm) return "the two PINs differ";
  return null;
}

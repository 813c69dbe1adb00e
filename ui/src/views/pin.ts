// PIN and backup-passphrase rules shared by onboarding, unlock (recovery) and settings. They
// mirror the vault's (MIN_PIN_CHARS, MIN_PASSPHRASE_CHARS), counted in characters as Rust does.

export const MIN_PIN_LENGTH = 4;

/** Why a new PIN cannot be used, or null. */
export function newPinProblem(pin: string, confirm: string): string | null {
  if (chars(pin) < MIN_PIN_LENGTH) return `use at least ${MIN_PIN_LENGTH} characters`;
  if (pin !== confirm) return "the two PINs differ";
  return null;
}

export const MIN_PASSPHRASE_LENGTH = 12;

/** Why a new backup passphrase cannot be used, or null. */
export function newPassphraseProblem(passphrase: string, confirm: string): string | null {
  if (chars(passphrase) < MIN_PASSPHRASE_LENGTH) return `use at least ${MIN_PASSPHRASE_LENGTH} characters`;
  if (passphrase !== confirm) return "the two passphrases differ";
  return null;
}

/** Length in characters (code points), like Rust's `chars().count()`. */
function chars(text: string): number {
  return Array.from(text).length;
}

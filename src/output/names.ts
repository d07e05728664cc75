// User-supplied text as it may appear in a message or a file name: never raw control characters, never a path.

// C0 and C1 controls, DEL, and the Unicode bidirectional overrides that can disguise a name on a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes control characters but keeps line breaks and tabs (for whole multi-line messages). */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A name for a one-line message: in double quotes, every control character (newlines too) escaped. */
export function quoted(name: string): string {
  return `"${name.replace(CONTROL_OR_NEWLINE, escapeOne).replace(/"/g, '\\"')}"`;
}

const MAX_NAME_LENGTH = 120;

/**
 * A scenario name as one folder name: never empty, `.` or `..`, no separators or control characters, bounded
 * length. Names that are already safe are kept as they are.
 */
export function safeFolderName(name: string): string {
  let safe = name.replace(CONTROL_OR_NEWLINE, '_').replace(/[/\\:*?"<>|]/g, '_').trim();
  if (safe.length > MAX_NAME_LENGTH) safe = safe.slice(0, MAX_NAME_LENGTH);
  // a leading dot would hide the folder, and "." or ".." would leave --out
  safe = safe.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return safe === '' ? '_' : safe;
}

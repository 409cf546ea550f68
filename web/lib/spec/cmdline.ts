// Kernel arguments as one line of text and back. A double-quoted part is kept together so the
// spec check can name it as one argument; the check then refuses it (quotes mean different
// things to GRUB, iPXE and the kernel: composer/src/terms/output-languages.ts).

export function splitCmdline(text: string): string[] {
  return text.match(/(?:[^\s"]|"[^"]*"?)+/g) ?? [];
}

export function joinCmdline(args: readonly string[]): string {
  return args.join(" ");
}

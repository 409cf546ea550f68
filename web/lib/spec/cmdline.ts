// Kernel arguments as one line of text and back. A double-quoted part may hold spaces
// (dyndbg="file x.c +p"), as the spec's cmdline pattern allows.

export function splitCmdline(text: string): string[] {
  return text.match(/(?:[^\s"]|"[^"]*"?)+/g) ?? [];
}

export function joinCmdline(args: readonly string[]): string {
  return args.join(" ");
}

// Sizes a terminal to its box: the width of one cell measured in the terminal's own font.
import type { Terminal } from "@xterm/xterm";

export function fitTerminal(term: Terminal, box: HTMLElement): void {
  const probe = document.createElement("span");
  probe.textContent = "M".repeat(20);
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${term.options.fontFamily};font-size:${term.options.fontSize}px`;
  document.body.append(probe);
  const cell = probe.getBoundingClientRect();
  probe.remove();
  const cellWidth = cell.width / 20 || 8;
  // A rendered row is the truth for the height (line-height differs from the font's box).
  const row = term.element?.querySelector(".xterm-rows > div")?.getBoundingClientRect().height;
  const cellHeight = row || (cell.height || 16) * (term.options.lineHeight ?? 1);
  const style = getComputedStyle(box);
  const width =
    box.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight) - 14;
  const height =
    box.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
  const cols = Math.max(20, Math.floor(width / cellWidth));
  const rows = Math.max(5, Math.floor(height / cellHeight));
  if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
}

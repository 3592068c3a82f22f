// Paging of a document's content by characters (max_chars / offset), never splitting a surrogate pair.

export interface ContentPage {
  content: string;
  truncated: boolean;
  next_offset: number | null;
}

export function sliceContent(text: string, offset: number, maxChars: number): ContentPage {
  const start = Math.min(offset, text.length);
  let end = Math.min(start + maxChars, text.length);
  // Ending between the halves of a surrogate pair would hand out half a character.
  if (end < text.length && end > start + 1) {
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  }
  const truncated = end < text.length;
  return { content: text.slice(start, end), truncated, next_offset: truncated ? end : null };
}

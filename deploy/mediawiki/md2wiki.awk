# Converts one demo runbook (markdown with optional YAML front matter) to MediaWiki wikitext, so the
# pages read as a wiki's would: headings, lists, bold, inline code, links, fenced code and tables.
# POSIX awk (mawk in the MediaWiki image). With -v mode=title it prints only the page title.

function inline(s,    inner, p, text, target) {
  while (match(s, /`[^`]+`/)) {
    s = substr(s, 1, RSTART - 1) "<code>" substr(s, RSTART + 1, RLENGTH - 2) "</code>" substr(s, RSTART + RLENGTH)
  }
  while (match(s, /\*\*[^*]+\*\*/)) {
    s = substr(s, 1, RSTART - 1) "'''" substr(s, RSTART + 2, RLENGTH - 4) "'''" substr(s, RSTART + RLENGTH)
  }
  while (match(s, /\[[^]]+\]\([^)]+\)/)) {
    inner = substr(s, RSTART, RLENGTH)
    p = index(inner, "](")
    text = substr(inner, 2, p - 2)
    target = substr(inner, p + 2, length(inner) - p - 2)
    # Relative links point into the markdown folder, which the wiki does not have: keep the text.
    if (target ~ /^[a-z]+:\/\//) text = "[" target " " text "]"
    s = substr(s, 1, RSTART - 1) text substr(s, RSTART + RLENGTH)
  }
  return s
}

function repeat(ch, n,    out) {
  out = ""
  while (n-- > 0) out = out ch
  return out
}

function cells(line,    n, i, parts, out, sep, cell) {
  sub(/^[ \t]*\|/, "", line)
  sub(/\|[ \t]*$/, "", line)
  n = split(line, parts, "|")
  out = ""
  for (i = 1; i <= n; i++) {
    cell = parts[i]
    gsub(/^[ \t]+|[ \t]+$/, "", cell)
    out = out (i > 1 ? sep_token : "") inline(cell)
  }
  return out
}

# Output goes through a one-line buffer so that an indented continuation line can be joined to the
# list item above it (markdown wraps items; wikitext ends an item at the line break).
function out(s, is_item) {
  if (has_pending) print pending
  pending = s
  has_pending = 1
  pending_is_item = is_item
}

function flush() {
  if (has_pending) print pending
  has_pending = 0
  pending_is_item = 0
}

function close_table() {
  if (in_table) out("|}", 0)
  in_table = 0
}

BEGIN { in_front = 0; in_code = 0; in_table = 0; title = ""; skipped_h1 = 0 }

NR == 1 && $0 == "---" { in_front = 1; next }
in_front {
  if ($0 == "---") { in_front = 0; next }
  if ($0 ~ /^title:[ \t]*/) {
    title = $0
    sub(/^title:[ \t]*/, "", title)
    gsub(/^["']|["']$/, "", title)
  }
  next
}

mode == "title" {
  if (title == "" && $0 ~ /^# /) { title = substr($0, 3) }
  if (title != "") { print title; done = 1; exit }
  next
}

/^[ \t]*```/ {
  close_table()
  out(in_code ? "</pre>" : "<pre>", 0)
  in_code = !in_code
  next
}
in_code { out($0, 0); next }

/^[ \t]*\|/ {
  if (!in_table) {
    out("{| class=\"wikitable\"", 0)
    in_table = 1
    sep_token = " !! "
    out("! " cells($0), 0)
    next
  }
  if ($0 ~ /^[ \t]*\|[ \t:|-]+\|?[ \t]*$/) next
  sep_token = " || "
  out("|-", 0)
  out("| " cells($0), 0)
  next
}
{ close_table() }

/^#{1,6} / {
  match($0, /^#+/)
  level = RLENGTH
  text = substr($0, level + 2)
  if (level == 1 && !skipped_h1 && (title == "" || text == title)) { skipped_h1 = 1; next }
  out(repeat("=", level) " " inline(text) " " repeat("=", level), 0)
  next
}

/^[ \t]*[-*+] / {
  match($0, /^[ \t]*/)
  depth = int(RLENGTH / 2) + 1
  line = $0
  sub(/^[ \t]*[-*+] /, "", line)
  out(repeat("*", depth) " " inline(line), 1)
  next
}

/^[ \t]*[0-9]+\. / {
  match($0, /^[ \t]*/)
  depth = int(RLENGTH / 3) + 1
  line = $0
  sub(/^[ \t]*[0-9]+\. /, "", line)
  out(repeat("#", depth) " " inline(line), 1)
  next
}

pending_is_item && /^[ \t]+[^ \t]/ {
  line = $0
  sub(/^[ \t]+/, "", line)
  pending = pending " " inline(line)
  next
}

{
  line = $0
  # A leading space means preformatted text in wikitext; markdown uses it for continuation lines.
  sub(/^[ \t]+/, "", line)
  out(inline(line), 0)
}

END {
  if (mode == "title") {
    if (!done && title != "") print title
  } else {
    close_table()
    if (in_code) out("</pre>", 0)
    flush()
  }
}

-- Quarto-style callouts (::: {.callout-note title="…"}) drawn the brief's way, by both engines (Quarto
-- runs this filter before its own, at pre-ast, so both PDFs and HTMLs carry the same callout):
-- a titled, tinted box in HTML and in Typst. Titles come from brief.qmd, not from data.
local kinds = { note = true, important = true, warning = true, tip = true, caution = true }

function Div(el)
  local kind
  for _, class in ipairs(el.classes) do
    local name = class:match("^callout%-(%a+)$")
    if name and kinds[name] then kind = name end
  end
  if not kind then return nil end
  local title = el.attributes["title"] or (kind:sub(1, 1):upper() .. kind:sub(2))
  if FORMAT:match("typst") then
    local blocks = { pandoc.RawBlock("typst", "#callout(kind: \"" .. kind .. "\", title: [" .. title .. "], body: [") }
    for _, block in ipairs(el.content) do table.insert(blocks, block) end
    table.insert(blocks, pandoc.RawBlock("typst", "])"))
    return blocks
  end
  local heading = pandoc.Div({ pandoc.Plain({ pandoc.Str(title) }) }, pandoc.Attr("", { "brief-callout-title" }))
  local body = pandoc.Div(el.content, pandoc.Attr("", { "brief-callout-body" }))
  return pandoc.Div({ heading, body }, pandoc.Attr(el.identifier, { "brief-callout", "brief-callout-" .. kind },
    { role = "note" }))
end

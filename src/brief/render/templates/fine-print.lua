-- A ::: {.fine-print} block (the colophon) is set in smaller type and on one page in the PDF: a few short
-- paragraphs of record that would otherwise leave a last page holding one line. Typst: an unbreakable
-- block, which moves whole to the next page when it does not fit (the heading before it is sticky and
-- moves with it). HTML: the div stays; the brief's styles set it smaller and keep it unbroken in print.
function Div(el)
  if not el.classes:includes("fine-print") or not FORMAT:match("typst") then return nil end
  local blocks = { pandoc.RawBlock("typst", "#block(breakable: false)[#set text(size: 0.85em)") }
  for _, block in ipairs(el.content) do table.insert(blocks, block) end
  table.insert(blocks, pandoc.RawBlock("typst", "]"))
  return blocks
end

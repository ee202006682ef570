-- Quarto only, before its own filters (pre-ast): embedded notebook outputs as the built-in engine
-- shows them.
-- * Quarto wraps each embed in a div that names the notebook's absolute path (a build directory)
--   and links it to a notebook preview page that is never published: keep only the content.
-- * A table's "{#tbl-…}" caption attribute reaches Quarto as literal text (the embedded cell's
--   label already names the table): drop it from the caption.

function Div(el)
  if el.classes:includes("quarto-embed-nb-cell") then
    return el.content
  end
end

local function drop_id_attribute(inlines)
  local last = inlines[#inlines]
  if last and last.t == "Str" and last.text:match("^{#[%w_%-]+}$") then
    inlines:remove(#inlines)
    while #inlines > 0 and (inlines[#inlines].t == "Space" or inlines[#inlines].t == "SoftBreak") do
      inlines:remove(#inlines)
    end
  end
  return inlines
end

function Table(tbl)
  local blocks = tbl.caption.long
  if #blocks > 0 and blocks[#blocks].content then
    blocks[#blocks].content = drop_id_attribute(blocks[#blocks].content)
    tbl.caption.long = blocks
  end
  return tbl
end

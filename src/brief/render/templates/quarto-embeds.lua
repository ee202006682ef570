-- Quarto only, before its own filters (pre-ast): embedded notebook outputs as the built-in engine
-- shows them.
-- * Quarto wraps each embed in a div that names the notebook's absolute path (a build directory)
--   and links it to a notebook preview page that is never published: keep only the content.
-- * In a cell labelled tbl-…, Quarto makes the cell the table float and leaves the table's own
--   "{#tbl-…}" caption attribute as literal text: drop it (other tables keep theirs).

local function drop_id_attribute(inlines, id)
  local last = inlines[#inlines]
  if last and last.t == "Str" and last.text == "{#" .. id .. "}" then
    inlines:remove(#inlines)
    while #inlines > 0 and (inlines[#inlines].t == "Space" or inlines[#inlines].t == "SoftBreak") do
      inlines:remove(#inlines)
    end
  end
  return inlines
end

function Div(el)
  if el.classes:includes("quarto-embed-nb-cell") then
    return el.content
  end
  if el.identifier:match("^tbl%-") then
    return el:walk({
      Table = function(tbl)
        local blocks = tbl.caption.long
        if #blocks > 0 and blocks[#blocks].content then
          blocks[#blocks].content = drop_id_attribute(blocks[#blocks].content, el.identifier)
          tbl.caption.long = blocks
        end
        return tbl
      end,
    })
  end
end

-- A view that can cite no source (no source had been published by its known_by; the build's metadata
-- "brief-nothing-known") is a one-page note: the bottom line says why it is empty, and brief.qmd's
-- ::: {.when-known} part (the sections between the view note and the colophon) is left out, its figures,
-- tables and the references to them with it. Runs before every other filter of both engines, so no
-- numbering or cross-reference ever sees the part left out. In any other view the div is unwrapped: its
-- content stands as if the div were not there (no extra block in the HTML or the Typst).
function Pandoc(doc)
  local nothing_known = doc.meta["brief-nothing-known"] == true
  doc.blocks = doc.blocks:walk({
    Div = function(el)
      if not el.classes:includes("when-known") then return nil end
      if nothing_known then return {} end
      return el.content
    end,
  })
  return doc
end

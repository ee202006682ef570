-- Analyst passages (::: {#id .analysis rests-on="…" reviewed="…"}) as the build judged them for this
-- edition's view (metadata "brief-passages", keyed by passage id; see brief.prose):
--   omit  = the passage rests on facts not in the view: it is left out;
--   stale = facts on its tracks changed after it was reviewed: a "Needs review" box names them.
-- Runs before callouts.lua, which draws the box. Fact titles come from the data: they enter the
-- document as text (pandoc.Str), never as markup.
local function text(value)
  return pandoc.utils.stringify(value or "")
end

local function notice(mark)
  local items = {}
  for _, fact in ipairs(mark.stale) do
    table.insert(items, { pandoc.Plain({ pandoc.Str(text(fact.title) .. " (" .. text(fact.id) .. ", known "
      .. text(fact.known) .. ")") }) })
  end
  local lead = pandoc.Para({ pandoc.Str("Facts on this passage's tracks changed after it was last reviewed ("
    .. text(mark.reviewed) .. "); re-read it against them:") })
  return pandoc.Div({ lead, pandoc.BulletList(items) },
    pandoc.Attr("", { "callout-warning", "brief-stale" }, { title = "Needs review" }))
end

function Pandoc(doc)
  local marks = doc.meta["brief-passages"] or {}
  local blocks = doc.blocks:walk({
    Div = function(el)
      if not el.classes:includes("analysis") then return nil end
      local mark = marks[el.identifier]
      if mark == nil then return nil end
      if mark.omit then return {} end
      if mark.stale then
        el.content:insert(1, notice(mark))
        return el
      end
      return nil
    end,
  })
  return pandoc.Pandoc(blocks, doc.meta)
end

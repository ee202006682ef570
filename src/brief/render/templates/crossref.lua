-- Figure and table numbering and @fig-…/@tbl-… references for the built-in engine (Quarto has
-- its own crossref system and is configured to print the same "Figure n." / "Table n.").
--
-- Works on pandoc's AST, not on the Markdown text, so "@fig-x" inside code, a URL or escaped
-- data (\@fig-x) is never a reference: only a pandoc citation (Cite) whose id starts with
-- "fig-" or "tbl-" is.
--   * A figure is a Div with id fig-… and class brief-figure (written by embed.py): its
--     content, then its caption as the last paragraph. It becomes a pandoc Figure.
--   * A table is a Table whose caption carries {#tbl-…}.
-- Numbers follow document order. HTML gets "Figure n." / "Table n." in the caption and links;
-- Typst numbers its own figures, so references become Typst references.

local numbers = {}
local counts = { fig = 0, tbl = 0 }

local function kind_of(id)
  return id:match("^(fig)%-") or id:match("^(tbl)%-")
end

local function number(id)
  local kind = kind_of(id)
  counts[kind] = counts[kind] + 1
  numbers[id] = counts[kind]
  return counts[kind]
end

-- A no-break space keeps "Figure" and its number on one line (Quarto writes it the same way).
local function label(kind, n, separator)
  return (kind == "fig" and "Figure" or "Table") .. (separator or "\u{A0}") .. n
end

local function prefix(kind, n)
  return pandoc.Span({ pandoc.Str(label(kind, n, " ") .. ".") }, pandoc.Attr("", { kind == "fig" and "fig-number" or "tbl-number" }))
end

local function figure(div)
  if not (div.identifier:match("^fig%-") and div.classes:includes("brief-figure")) then
    return nil
  end
  local n = number(div.identifier)
  local content = pandoc.List(div.content)
  local caption = content:remove(#content)
  local inlines = pandoc.List(caption and caption.content or {})
  if FORMAT:match("html") then
    inlines:insert(1, pandoc.Space())
    inlines:insert(1, prefix("fig", n))
  end
  return pandoc.Figure(content, { pandoc.Plain(inlines) }, pandoc.Attr(div.identifier, { "brief-figure" }))
end

local function table_caption(tbl)
  local id = tbl.identifier
  if not (id and kind_of(id) == "tbl") then
    return nil
  end
  local n = number(id)
  if FORMAT:match("html") and #tbl.caption.long > 0 then
    local first = tbl.caption.long[1]
    first.content:insert(1, pandoc.Space())
    first.content:insert(1, prefix("tbl", n))
  end
  return tbl
end

local function reference(cite)
  local inlines = pandoc.List()
  for i, citation in ipairs(cite.citations) do
    local id = citation.id
    local kind = kind_of(id)
    if not kind then
      return nil -- a real citation: not ours
    end
    if not numbers[id] then
      error("brief.qmd refers to @" .. id .. ", which no embedded output defines "
        .. "(check the label, or embed the figure/table it refers to)", 0)
    end
    if i > 1 then
      inlines:insert(pandoc.Str(", "))
    end
    if FORMAT:match("typst") then
      inlines:insert(pandoc.RawInline("typst", "#ref(<" .. id .. ">)"))
    else
      inlines:insert(pandoc.Link(label(kind, numbers[id]), "#" .. id))
    end
  end
  return inlines
end

return {
  { Div = figure, Table = table_caption },
  { Cite = reference },
}

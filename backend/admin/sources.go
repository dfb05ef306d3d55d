package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store"
)

// Feed sources of a list (package sources; backend/API.md "Sources").

func (a *API) registerSources(g *echo.Group) {
	g.GET("/lists/:name/sources", a.listSources)
	g.POST("/lists/:name/sources", a.createSource)
	g.GET("/lists/:name/sources/:source", a.getSource)
	g.PATCH("/lists/:name/sources/:source", a.updateSource)
	g.POST("/lists/:name/sources/:source/pull", a.pullSource)
	g.GET("/lists/:name/sources/:source/pulls", a.sourcePulls)
}

// SourceAnswer is a source with its latest pulls.
type SourceAnswer struct {
	store.Source
	Pulls []store.Pull `json:"pulls"`
}

// sourcePullsShown is how many pulls GET source repeats.
const sourcePullsShown = 20

func (a *API) listSources(c echo.Context) error {
	srcs, err := a.Sources.List(c.Request().Context(), c.Param("name"))
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"sources": srcs})
}

func (a *API) createSource(c echo.Context) error {
	var in sources.Settings
	if err := decode(c, &in); err != nil {
		return err
	}
	src, err := a.Sources.Create(c.Request().Context(), actor(c), c.Param("name"), in)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusCreated, SourceAnswer{Source: src, Pulls: []store.Pull{}})
}

func (a *API) getSource(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := a.Sources.Get(ctx, c.Param("name"), c.Param("source"))
	if err != nil {
		return fail(c, err)
	}
	pulls, err := a.Sources.Pulls(ctx, src.List, src.Name, sourcePullsShown)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, SourceAnswer{Source: src, Pulls: pulls})
}

func (a *API) updateSource(c echo.Context) error {
	var in sources.Settings
	if err := decode(c, &in); err != nil {
		return err
	}
	src, err := a.Sources.Update(c.Request().Context(), actor(c), c.Param("name"), c.Param("source"), in)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, src)
}

// pullSource pulls at once. A feed that fails is still a pull done: 200
// with result "error" and the reason.
func (a *API) pullSource(c echo.Context) error {
	p, err := a.Sources.Pull(c.Request().Context(), actor(c), c.Param("name"), c.Param("source"))
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) sourcePulls(c echo.Context) error {
	l, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	pulls, err := a.Sources.Pulls(c.Request().Context(), c.Param("name"), c.Param("source"), int(l))
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"pulls": pulls})
}

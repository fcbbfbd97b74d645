"""The floor for `bench_mcp.py`: a minimal MCP server with one echo tool, same SDK, stdio."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("floor")


@server.tool(description="Echo the text back.")
def echo(text: str) -> str:
    return text


if __name__ == "__main__":
    server.run("stdio")

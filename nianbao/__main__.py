from nianbao.cli import cli

if __name__ == "__main__":  # the crawl's archive process is spawned: never re-run the CLI there
    cli()

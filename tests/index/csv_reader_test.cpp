// csv_reader_test.cpp - (being written)
